package org.celaut.node.store;

/** Lifecycle of an instance as the database records it. */
public enum InstanceState {
  /** Row written, container being created. A crash here is cleaned up at the next start. */
  STARTING,
  /** Container started; addresses known. */
  RUNNING,
  /** Stopped by request or found gone. */
  ENDED,
  /** Could not be started; nothing is left running. */
  FAILED
}
