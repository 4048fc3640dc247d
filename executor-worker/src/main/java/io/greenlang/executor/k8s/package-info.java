/**
 * The Kubernetes executor: each step attempt runs as one Job in {@code GL_K8S_NAMESPACE}, watched through shared
 * informers. {@link io.greenlang.executor.k8s.KubernetesJobExecutor} is the entry point; the Job's name, spec and
 * the mapping of Job and pod states to error codes each live in one class of this package. The RBAC it needs is
 * {@code deploy/rbac/executor-rbac.yaml}.
 */
package io.greenlang.executor.k8s;
