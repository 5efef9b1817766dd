// Loaded by `bun test` before any test file (bunfig.toml): closes the run's shared context at the end.
import { afterAll } from 'bun:test'
import { closeTestContext } from '@tests/helpers/context'

afterAll(closeTestContext)
