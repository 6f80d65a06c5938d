//go:build etcd35

package main

import "go.etcd.io/etcd/server/v3/embed"

// setSlowRequestWarnings: etcd 3.5 (kube-apiserver 1.33) has neither field; its NewConfig already sets
// ExperimentalWarningApplyDuration to the default, and the unary-request threshold is not configurable there.
func setSlowRequestWarnings(_ *embed.Config) {}
