/**
 * The SDK for services: what a program running as a Celaut instance uses to reach its node.
 *
 * <p>{@link org.celaut.sdk.service.ServiceContext} reads the config file the node wrote into the
 * instance ({@code /__config__}, a raw {@code celaut.ConfigurationFile}), finds the node's gateway
 * in it, and starts and stops child services, or changes the instance's own resources, through
 * that node. The node tells its instances apart by their address, so these calls carry no
 * client credential.
 */
package org.celaut.sdk.service;
