//! The quickwin sandbox: the world a pilot needs in a workshop. Mock agencies with
//! realistic data, a service registry, and an X-Road-style information mediator whose
//! hash-chained message log makes the architecture visible.

pub mod data;
