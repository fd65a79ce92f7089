// testkit: the nginx reverse-proxy baseline of the proxy benchmarks (Debian `nginx-light`): one config,
// keep-alive to the upstream, no buffering (SSE passes through as it comes), access log off.

/** Options of {@link nginxProxyConfig}. */
export interface NginxProxyOptions {
  /** Folder for the pid file, error log and temp paths. */
  dir: string;
  /** `host:port` of the upstream. */
  upstream: string;
  port: number;
  /** `worker_processes` (default 1). */
  workers?: number;
}

/** The nginx.conf of a keep-alive, unbuffered reverse proxy on 127.0.0.1:`port` in front of `upstream`. */
export function nginxProxyConfig(options: NginxProxyOptions): string {
  const { dir } = options;
  return `worker_processes ${options.workers ?? 1};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream up { server ${options.upstream}; keepalive 256; }
  server {
    listen 127.0.0.1:${options.port} backlog=4096;
    keepalive_requests 1000000;
    location / {
      proxy_pass http://up;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_read_timeout 300s;
    }
  }
}
`;
}
