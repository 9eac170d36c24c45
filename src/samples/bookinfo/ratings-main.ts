// Entry of the ratings-v1 image.
import { createRatingsServer } from './ratings.js';
import { runMain } from './serve.js';

runMain('ratings', createRatingsServer());
