import { defineConfig } from 'vite';

// A static, self-contained build (no CDN): everything the app needs is bundled into dist/.
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    target: 'es2022',
    // @polkadot/api is most of the bundle (~1.5 MB, 540 kB gzipped), loaded once.
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      onwarn(warning, warn) {
        // @polkadot/x-global's /*#__PURE__*/ sits where Rollup cannot use it: harmless, dropped.
        if (warning.code === 'INVALID_ANNOTATION') return;
        warn(warning);
      },
    },
  },
});
