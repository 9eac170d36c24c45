// Istio's regex fields use RE2 syntax; JavaScript's RegExp differs in a few places.
// This maps the RE2 constructs people actually write onto RegExp, and rejects what RE2 itself rejects.

const posixClasses: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-/:-@[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Why `pattern` is not a usable RE2 expression, or undefined when it is. */
export function re2Problem(pattern: string): string | undefined {
  try {
    re2ToRegExp(pattern);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * Compiles an RE2 pattern as a JavaScript RegExp with the same meaning for the common subset.
 * Throws SyntaxError for patterns RE2 would reject (lookaround, backreferences, broken syntax).
 * Leading inline flags such as (?i) become RegExp flags; flags elsewhere are dropped, since
 * RegExp in Node 20 has no scoped modifiers.
 */
export function re2ToRegExp(pattern: string, extraFlags = ''): RegExp {
  let flags = extraFlags;
  let out = '';
  let i = 0;
  let inClass = false;
  const lead = /^\(\?([imsU]+)\)/.exec(pattern);
  if (lead) {
    if (lead[1]!.includes('U')) throw new SyntaxError('ungreedy flag (?U) is not supported');
    for (const f of lead[1]!) if (!flags.includes(f)) flags += f;
    i = lead[0].length;
  }
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined) throw new SyntaxError('trailing backslash at end of expression');
      if (n === 'Q') {
        // \Q...\E quotes a literal run
        const end = pattern.indexOf('\\E', i + 2);
        const lit = end < 0 ? pattern.slice(i + 2) : pattern.slice(i + 2, end);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? pattern.length : end + 2;
        continue;
      }
      if (!inClass && /[1-9]/.test(n)) throw new SyntaxError(`backreference \\${n} is not supported by RE2`);
      if (n === 'z') { out += inClass ? 'z' : '(?![\\s\\S])'; i += 2; continue; }
      if (n === 'A') { out += inClass ? 'A' : '^'; i += 2; continue; }
      if (n === 'C') { out += inClass ? 'C' : '[\\s\\S]'; i += 2; continue; }
      if (n === 'p' || n === 'P') {
        // Unicode classes: without the u flag RegExp cannot express them; any character keeps the syntax checkable.
        let j = i + 2;
        if (pattern[j] === '{') {
          const close = pattern.indexOf('}', j);
          if (close < 0) throw new SyntaxError('missing closing } in Unicode class');
          j = close + 1;
        } else {
          if (pattern[j] === undefined) throw new SyntaxError('missing Unicode class name');
          j += 1;
        }
        out += inClass ? '\\s\\S' : '[\\s\\S]';
        i = j;
        continue;
      }
      out += c + n;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') {
        const close = pattern.indexOf(':]', i + 2);
        if (close > 0) {
          let name = pattern.slice(i + 2, close);
          const negated = name.startsWith('^');
          if (negated) name = name.slice(1);
          const body = posixClasses[name];
          if (body === undefined) throw new SyntaxError(`invalid character class range [:${name}:]`);
          if (negated) throw new SyntaxError(`negated POSIX class [:^${name}:] is not supported`);
          out += body;
          i = close + 2;
          continue;
        }
      }
      if (c === ']') inClass = false;
      out += c;
      i += 1;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i += 1;
      // a ] right after [ or [^ is a literal in RE2
      if (pattern[i] === '^') { out += '^'; i += 1; }
      if (pattern[i] === ']') { out += '\\]'; i += 1; }
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      if (rest.startsWith('=') || rest.startsWith('!') || rest.startsWith('<=') || rest.startsWith('<!')) {
        throw new SyntaxError('lookaround assertions are not supported by RE2');
      }
      if (rest.startsWith('P<')) { out += '(?<'; i += 4; continue; }
      if (rest.startsWith('P=') || rest.startsWith('P>')) throw new SyntaxError('named backreferences are not supported by RE2');
      const m = /^([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
      if (m && (m[1] || m[2])) {
        // scoped flags: keep the grouping, drop the flags
        if (m[3] === ':') out += '(?:';
        i += 2 + m[0].length;
        continue;
      }
    }
    out += c;
    i += 1;
  }
  return new RegExp(out, flags.replace(/U/g, ''));
}
