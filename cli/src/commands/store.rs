//! `deai store`: serve a content store, put a file in one.

use std::path::PathBuf;

use clap::Subcommand;
use deai_client::content::hex_hash;
use deai_client::store;
use serde_json::json;

use crate::ctx::Ctx;

/// `deai store …`.
#[derive(Subcommand)]
pub enum StoreCmd {
	/// Serves a content store directory until Ctrl-C.
	Serve(store::ServeArgs),
	/// Uploads a file and prints its hash and URI.
	Put {
		/// The file.
		file: PathBuf,
	},
}

/// Runs a `deai store` command.
pub async fn run(ctx: &Ctx, cmd: StoreCmd) -> anyhow::Result<()> {
	match cmd {
		StoreCmd::Serve(args) => {
			store::serve_until_ctrl_c(args.config()?, |addr, dir| {
				eprintln!(
					"content store: serving {} on http://{addr} (Ctrl-C stops)",
					dir.display()
				)
			})
			.await
		},
		StoreCmd::Put { file } => {
			let (hash, size, uri) = ctx.put(&file, None).await?;
			ctx.out.show(
				|| format!("{} ({size} bytes) stored at {uri}", hex_hash(&hash)),
				json!({ "hash": hex_hash(&hash), "size": size, "uri": uri }),
			);
			Ok(())
		},
	}
}
