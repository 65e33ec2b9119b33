//! The connector's byte relay between stdin/stdout and a gate, and how gate events print.

use super::*;

/// Pipes stdin to the stream and the stream to stdout until the gate or the
/// service closes.
pub(super) async fn relay<S: AsyncRead + AsyncWrite + Send + 'static>(stream: S) -> CliResult<()> {
    let (mut from_gate, mut to_gate) = tokio::io::split(stream);
    let up = async move {
        let _ = tokio::io::copy(&mut tokio::io::stdin(), &mut to_gate).await;
        let _ = to_gate.shutdown().await;
        std::future::pending::<()>().await
    };
    let down = async move {
        let mut stdout = tokio::io::stdout();
        let mut buf = vec![0u8; 16 * 1024];
        let mut received = 0usize;
        loop {
            match from_gate.read(&mut buf).await {
                Ok(0) => return Ok(()),
                Ok(n) => {
                    received += n;
                    stdout.write_all(&buf[..n]).await?;
                    stdout.flush().await?;
                }
                Err(e) if received == 0 => {
                    return Err(CliError::new(
                        format!("the gate refused the connection ({e})"),
                        "the gate's output says why: epoch, revocation, identity, service binding, policy or sessions",
                    ))
                }
                Err(e) => return Err(CliError::plain(format!("the connection ended: {e}"))),
            }
        }
    };
    tokio::select! {
        r = down => r,
        _ = up => unreachable!("the upload half never finishes on its own"),
    }
}

pub(super) fn print_line(out: Output, v: &Value, text: impl FnOnce() -> String) {
    if out.json {
        crate::output::stdout_line(&serde_json::to_string(v).expect("json"));
    } else {
        crate::output::stdout_line(&text());
    }
}

pub(super) fn print_event(out: Output, event: &GateEvent) {
    let v = serde_json::to_value(event).expect("json");
    print_line(out, &v, || match event {
        GateEvent::Admitted {
            session,
            peer,
            subject,
            service,
            serial,
            epoch,
        } => {
            format!("admitted #{session} {peer}: {subject} -> {service} (certificate {serial}, epoch {epoch})")
        }
        GateEvent::Refused {
            peer,
            service,
            refusal,
            ..
        } => {
            format!(
                "refused {peer} -> {}: {refusal}",
                service.as_deref().unwrap_or("?")
            )
        }
        GateEvent::Closed {
            session,
            subject,
            service,
            reason,
        } => format!("closed #{session}: {subject} -> {service} ({reason:?})"),
    });
}
