// The two httpbin images Istio's samples use differ in shape: kennethreitz/httpbin (Python, Flask) gives
// single strings and title-cased header names; mccutchen/go-httpbin gives arrays of strings and Go's
// canonical header names. Each response is built for one flavour.

export type Flavor = 'python' | 'go';
