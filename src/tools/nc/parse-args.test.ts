import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NcUsageError, USAGE, parseNcArgs, parsePorts, type NcOptions } from './parse-args.js';

function options(argv: string[]): NcOptions {
  const c = parseNcArgs(argv);
  assert.equal(c.kind, 'connect');
  return c.options;
}

function refused(argv: string[]): string {
  try {
    parseNcArgs(argv);
  } catch (err) {
    assert.ok(err instanceof NcUsageError);
    assert.ok(!err.message.includes('\n'), 'one line');
    return err.message;
  }
  assert.fail(`expected ${argv.join(' ')} to be refused`);
}

describe('parseNcArgs', () => {
  it('takes a destination and a port, with nothing else on', () => {
    const o = options(['tcp-echo', '9000']);
    assert.equal(o.host, 'tcp-echo');
    assert.deepEqual(o.ports, [9000]);
    assert.equal(o.verbose, false);
    assert.equal(o.zero, false);
    assert.equal(o.timeoutMs, undefined);
    assert.equal(o.quitAfterEofMs, undefined);
  });

  it('groups flags and takes -w and -q values glued on or from the next word, options anywhere', () => {
    const o = options(['-vzw', '3', 'h', '80', '-q1']);
    assert.equal(o.verbose, true);
    assert.equal(o.zero, true);
    assert.equal(o.timeoutMs, 3000);
    assert.equal(o.quitAfterEofMs, 1000);
    assert.deepEqual(o.ports, [80]);
    assert.equal(options(['-w5', 'h', '1']).timeoutMs, 5000);
    assert.equal(options(['-w', '0', 'h', '1']).timeoutMs, undefined);
    assert.equal(options(['-q', '-1', 'h', '1']).quitAfterEofMs, undefined);
    assert.equal(options(['-q', '0', 'h', '1']).quitAfterEofMs, 0);
    const n = options(['-N', '-n', '-d', '-C', '-4', '127.0.0.1', '7']);
    assert.deepEqual([n.shutdownOnEof, n.numeric, n.noStdin, n.crlf, n.family], [true, true, true, true, 4]);
    assert.equal(options(['-6', '::1', '7']).family, 6);
  });

  it('stops reading options at --', () => {
    assert.deepEqual(options(['--', 'h', '9000']).ports, [9000]);
  });

  it('expands port ranges and several ports, in order', () => {
    assert.deepEqual(options(['-z', 'h', '9000-9002', '80']).ports, [9000, 9001, 9002, 80]);
    assert.deepEqual(parsePorts('22-20'), [20, 21, 22]);
  });

  it('refuses bad ports and timeouts as OpenBSD nc words it', () => {
    assert.equal(refused(['h', 'http']), 'nc: port number invalid: http');
    assert.equal(refused(['h', '0']), 'nc: port number too small: 0');
    assert.equal(refused(['h', '70000']), 'nc: port number too large: 70000');
    assert.equal(refused(['-w', 'x', 'h', '1']), 'nc: timeout invalid: x');
    assert.equal(refused(['-w', '1.5', 'h', '1']), 'nc: timeout invalid: 1.5');
    assert.equal(refused(['-q', 'soon', 'h', '1']), 'nc: quit timer invalid: soon');
  });

  it('answers an unknown option or a missing value with one usage line', () => {
    assert.equal(refused(['-y', 'h', '1']), `nc: invalid option -- 'y' (${USAGE})`);
    assert.equal(refused(['-vy', 'h', '1']), `nc: invalid option -- 'y' (${USAGE})`);
    assert.equal(refused(['--verbose', 'h', '1']), `nc: unrecognized option '--verbose' (${USAGE})`);
    assert.equal(refused(['h', '1', '-w']), `nc: option requires an argument -- 'w' (${USAGE})`);
    assert.equal(refused(['h']), USAGE);
    assert.equal(refused([]), USAGE);
  });

  it('refuses UDP, listening and the options it does not implement, saying so', () => {
    assert.equal(refused(['-u', 'h', '53']), 'nc: UDP (-u) is not supported by Weft\'s nc: TCP only');
    assert.equal(refused(['-vu', 'h', '53']), 'nc: UDP (-u) is not supported by Weft\'s nc: TCP only');
    assert.match(refused(['-l', '9000']), /^nc: listening \(-l\) is not supported/);
    assert.equal(refused(['-p', '1234', 'h', '1']), 'nc: option -p is not supported by Weft\'s nc');
    assert.equal(refused(['-xproxy:1080', 'h', '1']), 'nc: option -x is not supported by Weft\'s nc');
  });

  it('answers -h with the help', () => {
    assert.deepEqual(parseNcArgs(['-h']), { kind: 'help' });
  });
});
