//! Behaviour of the store backends through the public [`store::Store`] trait.

#[macro_use]
mod support;

mod crud;
mod durability;
mod group_commit;
mod model;
mod watch;
