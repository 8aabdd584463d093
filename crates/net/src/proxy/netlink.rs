//! A netfilter netlink socket: sends [`batch`](super::batch) transactions and reads their
//! acknowledgements. Blocking; callers run it off the async runtime.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use super::batch::{self, Reply};

const NETLINK_NETFILTER: libc::c_int = 12;
const NETLINK_CAP_ACK: libc::c_int = 10;
const SOL_NETLINK: libc::c_int = 270;

/// A socket on the nftables netlink interface of the caller's (or a named) network namespace.
pub struct Socket {
    fd: OwnedFd,
    next_seq: u32,
}

fn os_error(what: &str) -> String {
    format!("{what}: {}", io::Error::last_os_error())
}

fn set_int_option(fd: &OwnedFd, level: libc::c_int, name: libc::c_int, value: libc::c_int) {
    // SAFETY: setsockopt with a pointer to a live c_int and its size.
    unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            &value as *const libc::c_int as *const libc::c_void,
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

impl Socket {
    /// Opens a socket in the network namespace `/run/netns/NAME` when `netns` is given (on a
    /// short-lived thread that enters it, so no other thread changes namespace), else in the
    /// caller's.
    pub fn open(netns: Option<&str>) -> Result<Socket, String> {
        let Some(name) = netns else {
            return Socket::open_here();
        };
        let path = format!("/run/netns/{name}");
        std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let file =
                        std::fs::File::open(&path).map_err(|e| format!("opening {path}: {e}"))?;
                    // SAFETY: setns on this thread only, with an open namespace file.
                    if unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
                        return Err(os_error(&format!("entering {path}")));
                    }
                    Socket::open_here()
                })
                .join()
                .map_err(|_| "the thread opening the netlink socket panicked".to_string())?
        })
    }

    fn open_here() -> Result<Socket, String> {
        // SAFETY: plain socket(2); the descriptor is owned right away.
        let raw = unsafe {
            libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                NETLINK_NETFILTER,
            )
        };
        if raw < 0 {
            return Err(os_error("opening a netfilter netlink socket"));
        }
        // SAFETY: `raw` is a new descriptor nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        // Acknowledgements carry only the header of the message they answer.
        set_int_option(&fd, SOL_NETLINK, NETLINK_CAP_ACK, 1);
        set_int_option(&fd, libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, 4 << 20);
        // SAFETY: a zeroed sockaddr_nl is the kernel-assigned local address.
        let mut addr: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        addr.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        // SAFETY: bind with a valid sockaddr_nl and its size.
        let bound = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                &addr as *const libc::sockaddr_nl as *const libc::sockaddr,
                std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if bound != 0 {
            return Err(os_error("binding the netlink socket"));
        }
        // A reply never waits long; a kernel that does not answer must not hang the proxy.
        let timeout = libc::timeval {
            tv_sec: 30,
            tv_usec: 0,
        };
        // SAFETY: setsockopt with a pointer to a live timeval and its size.
        unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                &timeout as *const libc::timeval as *const libc::c_void,
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            );
        }
        Ok(Socket {
            fd,
            next_seq: 1 << 30,
        })
    }

    /// Whether the `ip` table `name` exists.
    pub fn table_exists(&mut self, name: &str) -> Result<bool, String> {
        // Batches number their messages from 1; lookups take numbers far above.
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1);
        self.send(&batch::get_table(seq, name))?;
        loop {
            for reply in self.receive()? {
                match reply {
                    Reply::Other { seq: s } if s == seq => return Ok(true),
                    Reply::Ack { seq: s, errno } if s == seq => {
                        return match errno {
                            0 => Ok(true),
                            libc::ENOENT => Ok(false),
                            e => Err(format!(
                                "asking for table {name}: {}",
                                io::Error::from_raw_os_error(e)
                            )),
                        };
                    }
                    _ => {}
                }
            }
        }
    }

    /// Sends a finished batch and waits until every acknowledged message is answered; the
    /// first error fails the whole transaction (the kernel then applies none of it).
    pub fn commit(&mut self, bytes: &[u8], acked: &[u32]) -> Result<(), String> {
        // The kernel takes a batch only whole, in one message no larger than the send buffer.
        let size = libc::c_int::try_from(bytes.len() + (1 << 16)).unwrap_or(libc::c_int::MAX);
        set_int_option(&self.fd, libc::SOL_SOCKET, libc::SO_SNDBUFFORCE, size);
        self.send(bytes)?;
        let mut pending: std::collections::HashSet<u32> = acked.iter().copied().collect();
        let mut failure = None;
        while !pending.is_empty() {
            for reply in self.receive()? {
                if let Reply::Ack { seq, errno } = reply {
                    if pending.remove(&seq) && errno != 0 && failure.is_none() {
                        failure = Some(format!(
                            "netlink batch failed: {}",
                            io::Error::from_raw_os_error(errno)
                        ));
                    }
                }
            }
            // A failed batch may leave later messages unanswered.
            if failure.is_some() && !self.readable()? {
                break;
            }
        }
        failure.map_or(Ok(()), Err)
    }

    fn send(&self, bytes: &[u8]) -> Result<(), String> {
        // SAFETY: a zeroed sockaddr_nl addresses the kernel.
        let mut kernel: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        kernel.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        // SAFETY: sendto with a live buffer and address of the stated sizes.
        let sent = unsafe {
            libc::sendto(
                self.fd.as_raw_fd(),
                bytes.as_ptr() as *const libc::c_void,
                bytes.len(),
                0,
                &kernel as *const libc::sockaddr_nl as *const libc::sockaddr,
                std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if sent < 0 {
            return Err(os_error("sending to netlink"));
        }
        Ok(())
    }

    /// Whether a reply is waiting.
    fn readable(&self) -> Result<bool, String> {
        let mut poll = libc::pollfd {
            fd: self.fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: poll on one live pollfd without waiting.
        let n = unsafe { libc::poll(&mut poll, 1, 0) };
        if n < 0 {
            return Err(os_error("polling netlink"));
        }
        Ok(n > 0)
    }

    fn receive(&self) -> Result<Vec<Reply>, String> {
        let mut buf = vec![0u8; 1 << 16];
        // SAFETY: recv into a live buffer of the stated size.
        let n = unsafe {
            libc::recv(
                self.fd.as_raw_fd(),
                buf.as_mut_ptr() as *mut libc::c_void,
                buf.len(),
                0,
            )
        };
        if n < 0 {
            return Err(os_error("reading from netlink"));
        }
        batch::parse_replies(&buf[..n as usize])
    }
}
