/**
 * pino logs; every request's lines carry its request id through a child logger. JSON lines, except
 * in development on a terminal, where a person reads them: there pino-pretty formats each line in
 * the process (a stream, not a worker-thread transport, so nothing is lost when the process exits).
 */
import pino from 'pino'
import pretty from 'pino-pretty'
import type { Config } from '@/config'

export type Logger = pino.Logger

export function createLogger(config: Pick<Config, 'logLevel'> & Partial<Pick<Config, 'production'>>): Logger {
  const options = { level: config.logLevel, base: { app: 'nine-lives' } }
  const forPerson = config.production === false && process.stdout.isTTY === true
  return forPerson ? pino(options, pretty({ sync: true, singleLine: true, ignore: 'app,pid,hostname', translateTime: 'SYS:HH:MM:ss.l' })) : pino(options)
}
