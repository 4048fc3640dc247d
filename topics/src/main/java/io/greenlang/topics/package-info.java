/**
 * The topic catalog ({@link io.greenlang.topics.TopicCatalog}), the typed {@link io.greenlang.topics.Topic}
 * it is made of, and {@link io.greenlang.topics.TopicAdmin}, which applies the catalog to a cluster.
 */
package io.greenlang.topics;
