// Entry point for istio/examples-helloworld-v1.

import { runHelloworld } from './run.js';

runHelloworld('v1');
