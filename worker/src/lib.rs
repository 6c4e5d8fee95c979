//! `deai-worker`'s library: the agent, its configuration, job book and artifact cache, ONNX
//! inference and the inference sandbox, the ZK prover of `Proof` jobs, and the AI oracle's answers. The agent's decisions — which jobs to take
//! ([`policy`]) and what to do next with a booked one ([`lifecycle`]) — are pure functions,
//! tested without a chain. The binary (`main.rs`) is the command line over it; integration tests
//! use both.

pub mod agent;
pub mod book;
pub mod cache;
pub mod config;
pub mod federated;
pub mod inference;
pub mod lifecycle;
pub mod oracle;
pub mod policy;
pub mod prover;
pub mod sandbox;
