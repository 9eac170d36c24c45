import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CurlUsageError } from './curl-error.js';
import { parseCurlArgs } from './parse-args.js';

function usageError(argv: string[]): CurlUsageError {
  try {
    parseCurlArgs(argv);
  } catch (err) {
    assert.ok(err instanceof CurlUsageError);
    return err;
  }
  assert.fail(`expected ${argv.join(' ')} to be rejected`);
}

describe('parseCurlArgs', () => {
  it('splits grouped short flags', () => {
    const o = parseCurlArgs(['-sSfL', 'host']);
    assert.equal(o.silent, true);
    assert.equal(o.showError, true);
    assert.equal(o.fail, true);
    assert.equal(o.location, true);
    assert.deepEqual(o.urls, ['host']);
    assert.equal(parseCurlArgs(['-vvv', 'h']).verbose, true);
    assert.equal(parseCurlArgs(['-Is', 'h']).head, true);
  });

  it('takes a short flag value glued on or from the next word', () => {
    const o = parseCurlArgs(['-XPOST', '-HHost:a', '-H', 'X: y', '-so', '/dev/null', '-w%{http_code}', 'h']);
    assert.equal(o.method, 'POST');
    assert.deepEqual(o.headers, ['Host:a', 'X: y']);
    assert.deepEqual(o.outputs, [{ kind: 'file', path: '/dev/null' }]);
    assert.equal(o.writeOut, '%{http_code}');
    assert.equal(o.silent, true);
  });

  it('reads long options, their values and --no- forms', () => {
    const o = parseCurlArgs(['--silent', '--max-time', '2.5', '--connect-timeout', '1', '--no-silent', '--retry', '3', 'h']);
    assert.equal(o.silent, false);
    assert.equal(o.maxTime, 2.5);
    assert.equal(o.connectTimeout, 1);
    assert.equal(o.retry, 3);
  });

  it('accepts unique prefixes of long options', () => {
    assert.equal(parseCurlArgs(['--verb', 'h']).verbose, true);
    assert.match(usageError(['--http1', 'h']).message, /is ambiguous/);
  });

  it('collects data in order with its kind', () => {
    const o = parseCurlArgs(['-d', 'a=1', '--data-binary', '@f', '--data-raw', '@x', '--data-urlencode', 'q=a b', 'h']);
    assert.deepEqual(o.data, [
      { kind: 'ascii', value: 'a=1' },
      { kind: 'binary', value: '@f' },
      { kind: 'raw', value: '@x' },
      { kind: 'urlencode', value: 'q=a b' },
    ]);
  });

  it('knows the HTTP version switches', () => {
    assert.equal(parseCurlArgs(['--http2-prior-knowledge', 'h']).httpVersion, '2-prior-knowledge');
    assert.equal(parseCurlArgs(['--http1.1', 'h']).httpVersion, '1.1');
    assert.equal(parseCurlArgs(['h']).httpVersion, 'default');
  });

  it('accepts and ignores cookie-jar, proxy and buffering options', () => {
    const o = parseCurlArgs(['-c', 'jar', '-x', 'http://proxy:3128', '-N', '--compressed', '-q', 'h']);
    assert.deepEqual(o.urls, ['h']);
    assert.equal(o.compressed, true);
  });

  it('rejects unknown options the way curl words it', () => {
    const err = usageError(['--foo', 'h']);
    assert.equal(err.exitCode, 2);
    assert.equal(err.render(), "curl: option --foo: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
    assert.equal(usageError(['-sZ', 'h']).message, 'option -sZ: is unknown');
  });

  it('rejects missing and malformed values', () => {
    assert.equal(usageError(['-m']).message, 'option -m: requires parameter');
    assert.equal(usageError(['--max-time', 'abc', 'h']).message, 'option --max-time: expected a proper numerical parameter');
    assert.equal(usageError(['-m', '-1', 'h']).message, 'option -m: expected a positive numerical parameter');
    assert.equal(
      usageError(['--no-max-time', 'h']).message,
      "option --no-max-time: used '--no-' for option that isn't a boolean",
    );
  });

  it('needs a URL', () => {
    assert.equal(usageError(['-s']).render(), "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
    assert.equal(usageError([]).render(), "curl: try 'curl --help' or 'curl --manual' for more information\n");
    assert.equal(parseCurlArgs(['--version']).version, true);
  });

  it('refuses two request methods with curl\'s warning', () => {
    const err = usageError(['-I', '-d', 'x', 'h']);
    assert.equal(
      err.render(),
      'Warning: You can only select one HTTP request method! You asked for both POST \n' +
        'Warning: (-d, --data) and HEAD (-I, --head).\n',
    );
    assert.doesNotThrow(() => parseCurlArgs(['-G', '-d', 'x', '-I', 'h']));
  });

  it('pairs outputs with URLs in order', () => {
    const o = parseCurlArgs(['a', '-o', 'one', 'b', '-O']);
    assert.deepEqual(o.outputs, [{ kind: 'file', path: 'one' }, { kind: 'remote-name' }]);
    assert.deepEqual(o.urls, ['a', 'b']);
  });
});
