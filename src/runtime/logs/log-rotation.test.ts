import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LOG_ROTATION, logRotationFromEnv, parseLogFiles, parseLogSize } from './log-rotation.js';

describe('log rotation settings', () => {
  test('sizes are read as Kubernetes quantities', () => {
    assert.equal(parseLogSize('10Mi'), 10 * 1024 * 1024);
    assert.equal(parseLogSize('64Ki'), 65536);
    assert.equal(parseLogSize('1.5Ki'), 1536);
    assert.equal(parseLogSize('2M'), 2_000_000);
    assert.equal(parseLogSize('4096'), 4096);
    assert.throws(() => parseLogSize('10 MB'), /"10 MB" is not a quantity such as 10Mi/);
    assert.throws(() => parseLogSize('-1Mi'), /is not a quantity/);
    assert.throws(() => parseLogSize('100'), /"100" is below the minimum of 1Ki/);
  });

  test('the file count includes the live file, so it is at least 2', () => {
    assert.equal(parseLogFiles('5'), 5);
    assert.equal(parseLogFiles('2'), 2);
    for (const bad of ['1', '0', '2.5', 'five', '']) assert.throws(() => parseLogFiles(bad), /must be an integer of at least 2/, bad);
  });

  test('unset variables mean the kubelet defaults', () => {
    assert.deepEqual(logRotationFromEnv({}), DEFAULT_LOG_ROTATION);
    assert.deepEqual(DEFAULT_LOG_ROTATION, { maxBytes: 10 * 1024 * 1024, maxFiles: 5 });
    assert.deepEqual(logRotationFromEnv({ WEFT_CONTAINER_LOG_MAX_SIZE: '64Ki', WEFT_CONTAINER_LOG_MAX_FILES: '3' }), { maxBytes: 65536, maxFiles: 3 });
  });
});
