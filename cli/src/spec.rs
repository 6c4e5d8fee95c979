//! Market values that `deai provider`, `deai job post` and `deai bench` build alike, written once.

use deai_client::chain::{api, bounded};

use api::runtime_types::pallet_compute_market::types as market;

/// A CPU server that runs inference jobs (the only kind the reference worker runs).
pub fn cpu_inference_provider(
	cpu_cores: u16,
	ram_mib: u32,
	max_concurrent_jobs: u32,
) -> market::Capabilities {
	market::Capabilities {
		device: market::DeviceClass::Server,
		accelerator: bounded("cpu"),
		vram_mib: 0,
		ram_mib,
		cpu_cores,
		region: 0,
		job_kinds: deai_abi::job_kind::INFERENCE,
		max_concurrent_jobs,
	}
}

/// Requirements on a job's providers: at least `min_ram_mib` of RAM, nothing else (0: none).
pub fn requirements(min_ram_mib: u32) -> market::Requirements {
	market::Requirements {
		min_vram_mib: 0,
		min_ram_mib,
		accelerator: None,
		region: None,
		tee_required: false,
		min_reputation: 0,
	}
}
