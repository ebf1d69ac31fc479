//! A minimal HTTP/1.1 keep-alive client for timing single requests over loopback: GET,
//! read the whole answer (`Content-Length` or chunked), keep the body for checks.
//!
//! No `Accept-Encoding` is sent, so answers come uncompressed (as wrk gets them too).

use std::net::SocketAddr;

use anyhow::Context as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One connection; reconnects when the server closed it.
pub struct Client {
    addr: SocketAddr,
    stream: Option<TcpStream>,
    /// Bytes read from the socket and not yet consumed.
    buffer: Vec<u8>,
    /// The decoded body of the last answer.
    body: Vec<u8>,
    /// Whether a byte of the current answer has come.
    answered: bool,
}

/// Where a header block ends (index of the `\r\n\r\n`).
fn head_end(buffer: &[u8]) -> Option<usize> {
    buffer.windows(4).position(|w| w == b"\r\n\r\n")
}

fn line_end(buffer: &[u8], from: usize) -> Option<usize> {
    buffer[from..]
        .windows(2)
        .position(|w| w == b"\r\n")
        .map(|i| from + i)
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> anyhow::Result<Client> {
        let mut client = Client {
            addr,
            stream: None,
            buffer: Vec::with_capacity(256 * 1024),
            body: Vec::with_capacity(256 * 1024),
            answered: false,
        };
        client.reconnect().await?;
        Ok(client)
    }

    async fn reconnect(&mut self) -> anyhow::Result<()> {
        let stream = TcpStream::connect(self.addr).await?;
        stream.set_nodelay(true)?;
        self.stream = Some(stream);
        self.buffer.clear();
        Ok(())
    }

    /// Reads more bytes into the buffer; fails when the connection was closed.
    async fn fill(&mut self) -> anyhow::Result<()> {
        let stream = self.stream.as_mut().context("not connected")?;
        let mut chunk = [0u8; 64 * 1024];
        let n = stream.read(&mut chunk).await?;
        anyhow::ensure!(n > 0, "the server closed the connection");
        self.answered = true;
        self.buffer.extend_from_slice(&chunk[..n]);
        Ok(())
    }

    async fn fill_to(&mut self, len: usize) -> anyhow::Result<()> {
        while self.buffer.len() < len {
            self.fill().await?;
        }
        Ok(())
    }

    /// GETs `path` and reads the whole answer; returns the status. The body is in
    /// [`Client::body`]. A keep-alive connection that the server closed while it was idle
    /// (before a byte of the answer came) is replaced once.
    pub async fn get(&mut self, path: &str) -> anyhow::Result<u16> {
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
        let mut retried = false;
        loop {
            if self.stream.is_none() {
                self.reconnect().await?;
            }
            self.answered = false;
            let stream = self.stream.as_mut().context("not connected")?;
            let result = match stream.write_all(request.as_bytes()).await {
                Ok(()) => self.read_answer().await,
                Err(err) => Err(err.into()),
            };
            match result {
                Ok(status) => return Ok(status),
                Err(_) if !retried && !self.answered => {
                    retried = true;
                    self.stream = None;
                }
                Err(err) => {
                    self.stream = None;
                    return Err(err.context(format!("GET {path}")));
                }
            }
        }
    }

    /// Opens a new connection (before a series of timed requests, so that none of them
    /// pays for replacing an idle connection the server closed).
    pub async fn fresh(&mut self) -> anyhow::Result<()> {
        self.reconnect().await
    }

    async fn read_answer(&mut self) -> anyhow::Result<u16> {
        self.body.clear();
        let end = loop {
            if let Some(end) = head_end(&self.buffer) {
                break end;
            }
            self.fill().await?;
        };
        let head = String::from_utf8_lossy(&self.buffer[..end]).to_ascii_lowercase();
        let status: u16 = head
            .get(9..12)
            .and_then(|s| s.parse().ok())
            .context("no status line")?;
        let header = |name: &str| {
            head.lines()
                .skip(1)
                .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
        };
        let length: Option<usize> = header("content-length:").and_then(|v| v.parse().ok());
        let chunked = header("transfer-encoding:").is_some_and(|v| v.contains("chunked"));
        let closes = header("connection:").is_some_and(|v| v.contains("close"));
        let mut at = end + 4;
        if status == 204 || status == 304 || (100..200).contains(&status) {
            // No body.
        } else if chunked {
            loop {
                let size_end = loop {
                    if let Some(e) = line_end(&self.buffer, at) {
                        break e;
                    }
                    self.fill().await?;
                };
                let size_text = String::from_utf8_lossy(&self.buffer[at..size_end]);
                let size_text = size_text.split(';').next().unwrap_or("").trim();
                let size = usize::from_str_radix(size_text, 16)
                    .with_context(|| format!("bad chunk size {size_text:?}"))?;
                at = size_end + 2;
                if size == 0 {
                    // Trailer lines, then an empty line.
                    loop {
                        let e = loop {
                            if let Some(e) = line_end(&self.buffer, at) {
                                break e;
                            }
                            self.fill().await?;
                        };
                        let empty = e == at;
                        at = e + 2;
                        if empty {
                            break;
                        }
                    }
                    break;
                }
                self.fill_to(at + size + 2).await?;
                self.body.extend_from_slice(&self.buffer[at..at + size]);
                at += size + 2;
            }
        } else if let Some(length) = length {
            self.fill_to(at + length).await?;
            self.body.extend_from_slice(&self.buffer[at..at + length]);
            at += length;
        } else {
            // Neither: the body ends with the connection.
            while self.fill().await.is_ok() {}
            self.body.extend_from_slice(&self.buffer[at..]);
            at = self.buffer.len();
            self.stream = None;
        }
        self.buffer.drain(..at);
        if closes {
            self.stream = None;
        }
        Ok(status)
    }

    /// The body of the last answer.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body of the last answer as text.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}
