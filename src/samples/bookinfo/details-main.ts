// Entry of the details-v1 image.
import { createDetailsServer, detailsConfig, IMAGE_ENV } from './details.js';
import { runMain } from './serve.js';

runMain('details', createDetailsServer(detailsConfig({ ...IMAGE_ENV.v1, ...process.env })));
