/**
 * libphonenumber's number patterns as automata over digits, to ask what a regular expression
 * cannot: can a number that STARTS with these digits match the pattern? That is how a range
 * (a prefix) is placed in a country without inventing the rest of a number.
 *
 * The patterns use a small regular language: digits, `\d`, classes such as `[2-9]`, groups
 * `(?:...)` and `(...)`, alternation, `?` and `{n}` / `{n,m}`. Anything else throws, so a
 * new construct in a future metadata release is noticed rather than misread.
 */

/** A state of the automaton: digit edges and empty (epsilon) edges. */
interface State {
  edges: { digits: Set<string>; to: State }[];
  empty: State[];
}

interface Fragment {
  start: State;
  end: State;
}

const state = (): State => ({ edges: [], empty: [] });
const DIGITS = '0123456789';

class Parser {
  private pos = 0;
  constructor(private readonly source: string) {}

  parse(): Fragment {
    const fragment = this.alternation();
    if (this.pos !== this.source.length) this.fail('unexpected character');
    return fragment;
  }

  private fail(what: string): never {
    throw new Error(`digit pattern ${JSON.stringify(this.source)}: ${what} at ${this.pos}`);
  }

  private alternation(): Fragment {
    const branches = [this.sequence()];
    while (this.source[this.pos] === '|') {
      this.pos += 1;
      branches.push(this.sequence());
    }
    if (branches.length === 1) return branches[0]!;
    const start = state();
    const end = state();
    for (const branch of branches) {
      start.empty.push(branch.start);
      branch.end.empty.push(end);
    }
    return { start, end };
  }

  private sequence(): Fragment {
    const start = state();
    let end = start;
    while (this.pos < this.source.length && this.source[this.pos] !== '|' && this.source[this.pos] !== ')') {
      const atomStart = this.pos;
      this.atom();
      const atomEnd = this.pos;
      const { min, max } = this.quantifier();
      // A quantified atom is the atom repeated: re-parse its text for each copy.
      for (let i = 0; i < max; i++) {
        const copy = new Parser(this.source.slice(atomStart, atomEnd)).parseAtomOnly();
        end.empty.push(copy.start);
        if (i >= min) end.empty.push(copy.end); // optional copies may be skipped
        end = copy.end;
      }
    }
    return { start, end };
  }

  parseAtomOnly(): Fragment {
    const fragment = this.atom();
    if (this.pos !== this.source.length) this.fail('unexpected character');
    return fragment;
  }

  private atom(): Fragment {
    const ch = this.source[this.pos];
    if (ch === '(') {
      this.pos += this.source.startsWith('(?:', this.pos) ? 3 : 1;
      const inner = this.alternation();
      if (this.source[this.pos] !== ')') this.fail('group not closed');
      this.pos += 1;
      return inner;
    }
    if (ch === '[') return this.single(this.charClass());
    if (ch === '\\' && this.source[this.pos + 1] === 'd') {
      this.pos += 2;
      return this.single(new Set(DIGITS));
    }
    if (ch !== undefined && DIGITS.includes(ch)) {
      this.pos += 1;
      return this.single(new Set(ch));
    }
    return this.fail(`unsupported construct ${JSON.stringify(ch)}`);
  }

  private charClass(): Set<string> {
    this.pos += 1;
    const set = new Set<string>();
    while (this.source[this.pos] !== ']') {
      const from = this.source[this.pos];
      if (from === undefined) this.fail('class not closed');
      if (from === '\\' && this.source[this.pos + 1] === 'd') {
        for (const d of DIGITS) set.add(d);
        this.pos += 2;
        continue;
      }
      if (!DIGITS.includes(from)) this.fail(`unsupported class member ${JSON.stringify(from)}`);
      if (this.source[this.pos + 1] === '-' && this.source[this.pos + 2] !== ']') {
        const to = this.source[this.pos + 2]!;
        for (let d = Number(from); d <= Number(to); d++) set.add(String(d));
        this.pos += 3;
      } else {
        set.add(from);
        this.pos += 1;
      }
    }
    this.pos += 1;
    return set;
  }

  private single(digits: Set<string>): Fragment {
    const start = state();
    const end = state();
    start.edges.push({ digits, to: end });
    return { start, end };
  }

  private quantifier(): { min: number; max: number } {
    const ch = this.source[this.pos];
    if (ch === '?') {
      this.pos += 1;
      return { min: 0, max: 1 };
    }
    if (ch === '{') {
      const match = /^\{(\d+)(?:,(\d+))?\}/.exec(this.source.slice(this.pos));
      if (!match) this.fail('bad repetition');
      this.pos += match[0].length;
      const min = Number(match[1]);
      return { min, max: match[2] === undefined ? min : Number(match[2]) };
    }
    if (ch === '*' || ch === '+') this.fail('unbounded repetition');
    return { min: 1, max: 1 };
  }
}

function closure(states: Iterable<State>): Set<State> {
  const seen = new Set<State>();
  const stack = [...states];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    stack.push(...s.empty);
  }
  return seen;
}

/** A compiled pattern: whether some digits completing a prefix give a full match. */
export class DigitPattern {
  private readonly fragment: Fragment;
  /** For each state, the lengths of digit strings that lead from it to the end. */
  private readonly remaining = new Map<State, Set<number>>();

  constructor(readonly source: string) {
    this.fragment = new Parser(source).parse();
  }

  /** True if a string of `length` digits (any length when omitted) starting with `prefix` matches the whole pattern. */
  acceptsPrefix(prefix: string, length?: number): boolean {
    let current = closure([this.fragment.start]);
    for (const digit of prefix) {
      const next: State[] = [];
      for (const s of current) for (const edge of s.edges) if (edge.digits.has(digit)) next.push(edge.to);
      if (next.length === 0) return false;
      current = closure(next);
    }
    if (length !== undefined && length < prefix.length) return false;
    for (const s of current) {
      const lengths = this.lengthsToEnd(s);
      if (length === undefined ? lengths.size > 0 : lengths.has(length - prefix.length)) return true;
    }
    return false;
  }

  /** The smallest string of digits the whole pattern matches (an example number of a type). */
  firstMatch(): string {
    let current = closure([this.fragment.start]);
    let digits = '';
    while (![...current].some((s) => s === this.fragment.end)) {
      let advanced = false;
      for (const digit of DIGITS) {
        const next: State[] = [];
        for (const s of current) for (const edge of s.edges) if (edge.digits.has(digit)) next.push(edge.to);
        const reachable = closure(next);
        if ([...reachable].some((s) => this.lengthsToEnd(s).size > 0)) {
          current = reachable;
          digits += digit;
          advanced = true;
          break;
        }
      }
      if (!advanced) throw new Error(`digit pattern ${JSON.stringify(this.source)} matches nothing`);
    }
    return digits;
  }

  /** Patterns are finite (no unbounded repetition), so the lengths from a state are a finite set. */
  private lengthsToEnd(from: State): Set<number> {
    const memo = this.remaining.get(from);
    if (memo) return memo;
    const lengths = new Set<number>();
    this.remaining.set(from, lengths);
    for (const s of closure([from])) {
      if (s === this.fragment.end) lengths.add(0);
      for (const edge of s.edges) for (const n of this.lengthsToEnd(edge.to)) lengths.add(n + 1);
    }
    return lengths;
  }
}
