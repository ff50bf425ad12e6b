#!/usr/bin/env bash
# Makes sure a RabbitMQ broker listens on 127.0.0.1:5672 (guest/guest), as the
# worker-based engine's tests need: installs rabbitmq-server when it is
# missing, starts it loopback-only when the port is closed, and waits for it.
set -euo pipefail

port_open() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }

if port_open; then
  echo "RabbitMQ: 127.0.0.1:5672 is open"
  exit 0
fi
if ! command -v rabbitmq-server >/dev/null; then
  echo "RabbitMQ: installing rabbitmq-server"
  apt-get update -qq
  apt-get install -y -qq -o DPkg::Lock::Timeout=600 rabbitmq-server
fi
export RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=5672 \
  RABBITMQ_DIST_PORT=25672 \
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
  RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
# The Debian package may already have started it (or be starting it): only start it when it is not up.
if ! rabbitmqctl -n rabbit@localhost status >/dev/null 2>&1; then
  echo "RabbitMQ: starting rabbit@localhost on 127.0.0.1:5672"
  rabbitmq-server -detached
fi
# await_startup fails at once until the new node has registered itself: ask again until it answers.
for _ in $(seq 1 120); do
  if rabbitmqctl -n rabbit@localhost await_startup --timeout 60 >/dev/null 2>&1 && port_open; then
    echo "RabbitMQ: up"
    exit 0
  fi
  sleep 1
done
echo "RabbitMQ: the broker did not open 127.0.0.1:5672" >&2
exit 1
