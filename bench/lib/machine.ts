/// <reference types="node" />
import os from "node:os";

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu_model: cpus[0]?.model.trim() ?? "unknown",
    cpu_count: cpus.length,
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}
