#!/usr/bin/env python3
"""Post-processes a contract's WASM as pallet-contracts expects (what cargo-contract does, minus
wasm-opt): keeps only the `call` and `deploy` exports, drops custom sections (names, producers),
and checks that the memory is imported from `env` with a maximum.

usage: wasm-contract-post.py IN.wasm OUT.wasm
"""
import sys


def leb(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def enc_leb(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def name(data, pos):
    length, pos = leb(data, pos)
    return data[pos:pos + length].decode(), pos + length


def main(src, dst):
    data = open(src, 'rb').read()
    if data[:8] != b'\0asm\x01\0\0\0':
        sys.exit(f'{src}: not a WASM module')
    out = bytearray(data[:8])
    pos = 8
    memory_ok = False
    while pos < len(data):
        section_id = data[pos]
        size, body_start = leb(data, pos + 1)
        body = data[body_start:body_start + size]
        pos = body_start + size
        if section_id == 0:  # custom: names, producers, target features
            continue
        if section_id == 2:  # imports: the memory must come from env, with a maximum
            count, p = leb(body, 0)
            for _ in range(count):
                module, p = name(body, p)
                field, p = name(body, p)
                kind = body[p]
                p += 1
                if kind == 0:  # function: type index
                    _, p = leb(body, p)
                elif kind == 1:  # table
                    p += 1
                    flags = body[p]; p += 1
                    _, p = leb(body, p)
                    if flags & 1:
                        _, p = leb(body, p)
                elif kind == 2:  # memory
                    flags = body[p]; p += 1
                    _, p = leb(body, p)
                    if flags & 1:
                        maximum, p = leb(body, p)
                        memory_ok = (module, field) == ('env', 'memory') and maximum <= 16
                elif kind == 3:  # global
                    p += 2
        if section_id == 7:  # exports: only call and deploy
            count, p = leb(body, 0)
            kept = []
            for _ in range(count):
                start = p
                export, p = name(body, p)
                p += 1
                _, p = leb(body, p)
                if export in ('call', 'deploy'):
                    kept.append(body[start:p])
            if len(kept) != 2:
                sys.exit(f'{src}: expected the exports `call` and `deploy`')
            body = enc_leb(len(kept)) + b''.join(kept)
        out.append(section_id)
        out += enc_leb(len(body))
        out += body
    if not memory_ok:
        sys.exit(f'{src}: the memory must be imported from env.memory with at most 16 pages')
    open(dst, 'wb').write(bytes(out))
    print(f'{dst}: {len(out)} bytes (from {len(data)})')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
