//! Lingering close for the server's TCP connections: after the last frame is written, the
//! write side is shut (FIN) and what the client still sends is read and dropped until it
//! closes too, or for at most [`LINGER`].
//!
//! Why: hyper closes a connection the moment its last frame is flushed. A client still reading
//! a large answer keeps sending HTTP/2 WINDOW_UPDATE frames; arriving at a closed socket they
//! make the kernel send RST, and a client that has not yet read the tail of the body loses it
//! ("connection reset" on a 4,000-student answer at shutdown, one run in four in a debug build).
//! nginx's `lingering_close` is the same remedy. Holds no request data; imports only tokio and
//! tonic's transport trait.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tonic::transport::server::{Connected, TcpConnectInfo};

/// Longest a closed connection waits for its client to close too. Shutdown's hard deadline
/// (`server::CLOSE_TIME`) bounds it as well: the process does not wait for lingerers.
const LINGER: Duration = Duration::from_secs(2);

/// A TCP connection whose shutdown lingers (see the module header).
pub struct Lingering {
    inner: TcpStream,
    /// Set once the write side is shut: from then on, shutdown reads and drops until EOF.
    closing: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Lingering {
    pub fn new(inner: TcpStream) -> Self {
        Lingering {
            inner,
            closing: None,
        }
    }
}

impl Connected for Lingering {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.inner.connect_info()
    }
}

impl AsyncRead for Lingering {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Lingering {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.closing.is_none() {
            std::task::ready!(Pin::new(&mut this.inner).poll_shutdown(cx))?;
            this.closing = Some(Box::pin(tokio::time::sleep(LINGER)));
        }
        let mut scratch = [0u8; 4096];
        loop {
            if let Some(timer) = this.closing.as_mut() {
                if timer.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Ok(()));
                }
            }
            let mut buf = ReadBuf::new(&mut scratch);
            match Pin::new(&mut this.inner).poll_read(cx, &mut buf) {
                // EOF: the client has closed too; nothing more can arrive to cause a reset.
                Poll::Ready(Ok(())) if buf.filled().is_empty() => return Poll::Ready(Ok(())),
                Poll::Ready(Ok(())) => continue,
                // The client reset or vanished: closing now loses nothing of ours.
                Poll::Ready(Err(_)) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// The server side shuts its writes, the client still writes (as a WINDOW_UPDATE would)
    /// and then reads everything it was sent, ending in a clean EOF rather than a reset.
    #[tokio::test]
    async fn a_lingering_close_lets_the_client_read_to_the_end() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = tokio::spawn(async move {
            let mut c = TcpStream::connect(addr).await.unwrap();
            // Let the server write and close first, then send into its socket.
            tokio::time::sleep(Duration::from_millis(100)).await;
            c.write_all(&[7u8; 1024]).await.unwrap();
            let mut got = Vec::new();
            let read = c.read_to_end(&mut got).await;
            (read.map(|_| got.len()), c)
        });
        let (socket, _) = listener.accept().await.unwrap();
        let mut server = Lingering::new(socket);
        let body = vec![1u8; 4 << 20];
        server.write_all(&body).await.unwrap();
        let closing = tokio::spawn(async move {
            server.shutdown().await.unwrap();
        });
        let (read, c) = client.await.unwrap();
        assert_eq!(read.unwrap(), body.len());
        drop(c);
        closing.await.unwrap();
    }
}
