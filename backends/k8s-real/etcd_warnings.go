//go:build !etcd35

package main

import "go.etcd.io/etcd/server/v3/embed"

// setSlowRequestWarnings: etcd 3.6+'s NewConfig leaves these at 0, which would log every request as slow.
func setSlowRequestWarnings(cfg *embed.Config) {
	cfg.WarningApplyDuration = embed.DefaultWarningApplyDuration
	cfg.WarningUnaryRequestDuration = embed.DefaultWarningUnaryRequestDuration
}
