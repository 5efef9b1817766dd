// Loaded by `bun test` before any test file (bunfig.toml). Shared set-up lands here.
export {}
