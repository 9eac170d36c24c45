// Entry of the reviews-v2 image: its built-in env, overridden by the container's.
import { createReviewsServer, IMAGE_ENV, reviewsConfig } from './reviews.js';
import { runMain } from './serve.js';

runMain('reviews', createReviewsServer(reviewsConfig({ ...IMAGE_ENV.v2, ...process.env })));
