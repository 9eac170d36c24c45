// Entry point for istio/examples-helloworld-v2.

import { runHelloworld } from './run.js';

runHelloworld('v2');
