// Public surface of the curl work-alike.

export { parseCurlArgs } from './parse-args.js';
export { runCurl, type CurlIo } from './run-curl.js';
export { CurlError, CurlUsageError, CurlCode } from './curl-error.js';
export type { CurlOptions } from './curl-options.js';
export { CURL_VERSION, DEFAULT_USER_AGENT } from './curl-version.js';
