pub mod export {}
