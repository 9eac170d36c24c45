// Entry of the productpage-v1 image.
import { createProductPageServer, productPageConfig } from './productpage.js';
import { runMain } from './serve.js';

runMain('productpage', createProductPageServer(productPageConfig(process.env)));
