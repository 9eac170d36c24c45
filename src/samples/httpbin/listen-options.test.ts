import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listenOptions } from './listen-options.js';

describe('listenOptions', () => {
  it('kennethreitz listens on 80 unless the command binds elsewhere', () => {
    assert.deepEqual(listenOptions('python', [], {}), { host: '0.0.0.0', port: 80 });
    assert.deepEqual(listenOptions('python', ['gunicorn', '-b', '0.0.0.0:8000', 'httpbin:app', '-k', 'gevent'], {}), { host: '0.0.0.0', port: 8000 });
    assert.deepEqual(listenOptions('python', ['--bind=127.0.0.1:9'], { PORT: '1' }), { host: '127.0.0.1', port: 9 });
    assert.deepEqual(listenOptions('python', [], {}, 8000), { host: '0.0.0.0', port: 8000 });
  });

  it('go-httpbin takes -port/-host, then PORT/HOST, then 0.0.0.0:8080', () => {
    assert.deepEqual(listenOptions('go', [], {}), { host: '0.0.0.0', port: 8080 });
    assert.deepEqual(listenOptions('go', [], { PORT: '9090', HOST: '127.0.0.1' }), { host: '127.0.0.1', port: 9090 });
    assert.deepEqual(listenOptions('go', ['-port', '7000'], { PORT: '9090' }), { host: '0.0.0.0', port: 7000 });
    assert.deepEqual(listenOptions('go', ['--port=7001', '-host=::'], {}), { host: '::', port: 7001 });
    // A flag left at its default value lets the environment through, as in go-httpbin.
    assert.deepEqual(listenOptions('go', ['-port', '8080'], { PORT: '9090' }), { host: '0.0.0.0', port: 9090 });
  });

  it('refuses a port that is not one', () => {
    assert.throws(() => listenOptions('go', [], { PORT: 'http' }), /invalid value "http" for env var PORT: parse error/);
    assert.throws(() => listenOptions('go', ['-port', '70000'], {}), /invalid -port/);
  });
});
