//! A minimal HTTP/1.1 client on hyper for `http://` content (no TLS, no redirects): the content
//! store and provider endpoints are plain HTTP on a trusted network, and every byte fetched is
//! checked against its content hash anyway.

use bytes::Bytes;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use std::time::Duration;

/// How long a connection, the response's headers, or any one chunk of its body may take.
pub const STALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Errors of the HTTP client.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
	/// The URI could not be parsed or is not `http://host[:port]/path`.
	#[error("bad URI `{0}`")]
	BadUri(String),
	/// Connecting failed.
	#[error("cannot connect to {addr}: {source}")]
	Connect {
		/// host:port.
		addr: String,
		/// The error.
		source: std::io::Error,
	},
	/// The HTTP exchange failed.
	#[error("HTTP: {0}")]
	Hyper(#[from] hyper::Error),
	/// The server stalled.
	#[error("no answer within {} s", STALL_TIMEOUT.as_secs())]
	TimedOut,
	/// Building the request failed.
	#[error("HTTP request: {0}")]
	Request(#[from] hyper::http::Error),
}

/// A response whose body is read chunk by chunk.
pub struct Response {
	/// The status code.
	pub status: StatusCode,
	/// `Content-Length`, when sent.
	pub content_length: Option<u64>,
	body: Incoming,
}

impl Response {
	/// The next chunk of the body, `None` at its end.
	pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, HttpError> {
		loop {
			let frame = tokio::time::timeout(STALL_TIMEOUT, self.body.frame())
				.await
				.map_err(|_| HttpError::TimedOut)?;
			match frame {
				None => return Ok(None),
				Some(frame) => {
					if let Ok(data) = frame?.into_data() {
						return Ok(Some(data));
					}
				},
			}
		}
	}

	/// The whole body (for small responses).
	pub async fn bytes(self) -> Result<Bytes, HttpError> {
		Ok(self.body.collect().await?.to_bytes())
	}
}

type BoxBody = http_body_util::combinators::BoxBody<Bytes, std::io::Error>;

async fn send(
	uri: &str,
	method: hyper::Method,
	body: BoxBody,
	len: Option<u64>,
	bearer: Option<&str>,
) -> Result<Response, HttpError> {
	let parsed: hyper::Uri = uri.parse().map_err(|_| HttpError::BadUri(uri.to_string()))?;
	if parsed.scheme_str() != Some("http") {
		return Err(HttpError::BadUri(uri.to_string()));
	}
	let host = parsed.host().ok_or_else(|| HttpError::BadUri(uri.to_string()))?.to_string();
	let port = parsed.port_u16().unwrap_or(80);
	let addr = format!("{host}:{port}");
	let stream = tokio::time::timeout(STALL_TIMEOUT, tokio::net::TcpStream::connect(&addr))
		.await
		.map_err(|_| HttpError::TimedOut)?
		.map_err(|source| HttpError::Connect { addr: addr.clone(), source })?;
	let (mut sender, connection) =
		hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
	tokio::spawn(async move {
		if let Err(e) = connection.await {
			tracing::debug!("HTTP connection closed: {e}");
		}
	});
	let path = parsed.path_and_query().map(|p| p.as_str()).unwrap_or("/").to_string();
	let mut request = Request::builder().method(method).uri(path).header(hyper::header::HOST, addr);
	if let Some(len) = len {
		request = request.header(hyper::header::CONTENT_LENGTH, len);
	}
	if let Some(token) = bearer {
		request = request.header(hyper::header::AUTHORIZATION, format!("Bearer {token}"));
	}
	// Uploads may take long; only the wait for the answer once the request went out is bounded
	// per stall by the body's own pace, so allow the whole exchange a generous bound.
	let response =
		tokio::time::timeout(STALL_TIMEOUT * 20, sender.send_request(request.body(body)?))
			.await
			.map_err(|_| HttpError::TimedOut)??;
	let status = response.status();
	let content_length = response
		.headers()
		.get(hyper::header::CONTENT_LENGTH)
		.and_then(|v| v.to_str().ok())
		.and_then(|v| v.parse().ok());
	Ok(Response { status, content_length, body: response.into_body() })
}

/// `GET uri`.
pub async fn get(uri: &str) -> Result<Response, HttpError> {
	let empty = http_body_util::Empty::<Bytes>::new().map_err(|never| match never {}).boxed();
	send(uri, hyper::Method::GET, empty, None, None).await
}

/// `PUT uri` with a body streamed from `chunks` (of `len` bytes in all), with
/// `Authorization: Bearer <bearer>` when given.
pub async fn put_stream<S>(
	uri: &str,
	chunks: S,
	len: u64,
	bearer: Option<&str>,
) -> Result<Response, HttpError>
where
	S: futures::Stream<Item = Result<Bytes, std::io::Error>> + Send + Sync + 'static,
{
	use futures::TryStreamExt;
	let body = StreamBody::new(chunks.map_ok(Frame::data)).boxed();
	send(uri, hyper::Method::PUT, body, Some(len), bearer).await
}
