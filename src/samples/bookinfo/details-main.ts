// Entry of the details-v1 image.
import { createDetailsServer } from './details.js';
import { runMain } from './serve.js';

runMain('details', createDetailsServer());
