/**
 * What the end-to-end tests (cli, examples) and the benchmarks share, so that each exists once:
 * {@link org.celaut.testkit.TestNodes}, real nodes whose images are removed once a test class is
 * done, and {@link org.celaut.testkit.HelloHttp}, the hello-http example copied out of the
 * checkout with Debian's static busybox put in and packed. Not part of the product: nothing in
 * the node, the SDK or the CLI depends on it.
 */
package org.celaut.testkit;
