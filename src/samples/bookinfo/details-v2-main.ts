// Entry of the details-v2 image: the book's details from the Google Books API.
import { createDetailsServer, detailsConfig, IMAGE_ENV } from './details.js';
import { runMain } from './serve.js';

runMain('details', createDetailsServer(detailsConfig({ ...IMAGE_ENV.v2, ...process.env })));
