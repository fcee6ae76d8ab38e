'use strict';
// Preloaded (node --require) into the embed example's synthesis: any connection that leaves this machine throws,
// so the test proves the synthesis installed nothing and fetched nothing. Loopback stays allowed (tsx's IPC).
const net = require('node:net');
const dns = require('node:dns');

const LOOPBACK = /^(127\.|::1$|localhost$)/;
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options = typeof args[0] === 'object' && args[0] !== null ? args[0] : { port: args[0], host: args[1] };
  if (options.path === undefined && !LOOPBACK.test(String(options.host ?? 'localhost'))) {
    throw new Error(`network access during an offline synthesis: ${options.host}:${options.port}`);
  }
  return connect.apply(this, args);
};
const lookup = dns.lookup;
dns.lookup = function (hostname, ...rest) {
  if (!LOOPBACK.test(hostname)) throw new Error(`DNS lookup during an offline synthesis: ${hostname}`);
  return lookup.call(this, hostname, ...rest);
};
