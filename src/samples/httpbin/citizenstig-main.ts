// Entry point standing in for citizenstig/httpbin (Istio 1.0's sample): httpbin under gunicorn on port 8000.

import { serve } from './serve.js';

serve('python', 'httpbin', 8000);
