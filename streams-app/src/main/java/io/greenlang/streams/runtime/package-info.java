/** What the streams-app applications share at run time: the Kafka Streams client's lifecycle. */
package io.greenlang.streams.runtime;
