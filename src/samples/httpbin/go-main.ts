// Entry point standing in for mccutchen/go-httpbin (port 8080, -port/-host flags, PORT/HOST environment).

import { serve } from './serve.js';

serve('go', 'go-httpbin');
