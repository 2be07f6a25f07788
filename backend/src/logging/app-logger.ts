import type { LoggerService } from '@nestjs/common';
import { currentRequestId } from './request-context.js';

type Level = 'error' | 'warn' | 'log' | 'debug' | 'verbose' | 'fatal';
const rank: Record<Level, number> = { fatal: 0, error: 1, warn: 2, log: 3, debug: 4, verbose: 5 };

/**
 * One JSON line per log event in production, a readable line in development; every line carries the request id of
 * the request it belongs to (from AsyncLocalStorage), so an operator can follow one request across modules.
 */
export class AppLogger implements LoggerService {
  constructor(
    private readonly format: 'json' | 'pretty',
    private readonly level: Exclude<Level, 'fatal'> = 'log',
    private readonly out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (rank[level] > rank[this.level]) return;
    // Nest passes the context (class name) as the last string argument, and a stack before it for errors.
    const args = [...rest];
    const context = typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    const stack = typeof args[0] === 'string' && args[0].includes('\n    at ') ? (args.shift() as string) : undefined;
    const requestId = currentRequestId();
    const text = message instanceof Error ? message.message : typeof message === 'string' ? message : undefined;
    const fields = text === undefined ? message : undefined;
    if (this.format === 'json') {
      this.out(
        JSON.stringify({
          time: new Date().toISOString(),
          level,
          context,
          requestId,
          msg: text,
          ...(fields && typeof fields === 'object' ? fields : {}),
          ...(stack ? { stack } : {}),
        }),
      );
      return;
    }
    const time = new Date().toISOString().slice(11, 23);
    const rid = requestId ? ` [${requestId.slice(0, 8)}]` : '';
    const body = text ?? JSON.stringify(fields);
    this.out(`${time} ${level.toUpperCase().padEnd(5)} ${context ? `[${context}]` : ''}${rid} ${body}${stack ? `\n${stack}` : ''}`);
  }
}
