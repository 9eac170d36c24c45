// Entry point standing in for kennethreitz/httpbin (port 80, or gunicorn's -b from the container command).

import { serve } from './serve.js';

serve('python', 'httpbin');
