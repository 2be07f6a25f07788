/** Parsing of the audit routes' query strings: every bad parameter is named at once (400 REQUEST.INVALID). */
import { ValidationError, type FieldProblem } from '../http/domain-error.js';

/** A full ISO 8601 date-time with a zone (`2024-02-14T13:00:00+07:00`, `...Z`): a bare date has no moment. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export class QueryParams {
  readonly problems: FieldProblem[] = [];

  constructor(private readonly q: Record<string, unknown>) {}

  private text(name: string): string | undefined {
    const v = this.q[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      this.problems.push({ path: name, problem: 'must be given once' });
      return undefined;
    }
    return v;
  }

  time(name: string): Date | undefined {
    const v = this.text(name);
    if (v === undefined) return undefined;
    const ms = Date.parse(v);
    if (!ISO_TIME.test(v) || Number.isNaN(ms)) {
      this.problems.push({ path: name, problem: 'must be an ISO 8601 date-time with a zone, e.g. 2024-02-14T13:00:00+07:00' });
      return undefined;
    }
    return new Date(ms);
  }

  code(name: string, digits: number, what: string): string | undefined {
    const v = this.text(name);
    if (v !== undefined && !new RegExp(`^\\d{${digits}}$`).test(v))
      this.problems.push({ path: name, problem: `must be a ${digits}-digit ${what} code` });
    return v;
  }

  word(name: string, pattern: RegExp, problem: string): string | undefined {
    const v = this.text(name);
    if (v !== undefined && !pattern.test(v)) this.problems.push({ path: name, problem });
    return v;
  }

  position(name: string): string | undefined {
    return this.word(name, /^\d{1,20}\/\d{1,20}$/, 'must be a log position like 1234/56');
  }

  int(name: string, min: number, max: number, fallback: number): number {
    const v = this.text(name);
    if (v === undefined) return fallback;
    const n = /^\d{1,6}$/.test(v) ? Number(v) : NaN;
    if (!(n >= min && n <= max)) this.problems.push({ path: name, problem: `must be an integer ${min}..${max}` });
    return n;
  }

  /** Throws when any parameter was bad. */
  done(): void {
    if (this.problems.length > 0) throw new ValidationError(this.problems);
  }
}
