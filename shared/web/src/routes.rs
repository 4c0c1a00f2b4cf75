use axum::handler::Handler;
use axum::routing::{on, MethodFilter};
use axum::Router;
use http::Method;

/// One route: what template.yaml must declare for the function.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Route {
    pub method: Method,
    pub path: &'static str,
}

/// A function's routes, kept as data beside the router built from them, so
/// a test can hold them against template.yaml in both directions.
pub struct RouteTable<S> {
    routes: Vec<Route>,
    /// The routes that start a cookie session (same_origin.rs).
    sign_in: Vec<(Method, &'static str)>,
    router: Router<S>,
}

impl<S: Clone + Send + Sync + 'static> Default for RouteTable<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Clone + Send + Sync + 'static> RouteTable<S> {
    pub fn new() -> Self {
        Self {
            routes: Vec::new(),
            sign_in: Vec::new(),
            router: Router::new(),
        }
    }

    pub fn add<H, T>(mut self, method: Method, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("a standard HTTP method");
        self.router = self.router.route(path, on(filter, handler));
        self.routes.push(Route { method, path });
        self
    }

    /// A route that signs someone in (it sets a cookie): guarded against
    /// cross-site requests even when no cookie is sent (login CSRF).
    pub fn add_sign_in<H, T>(mut self, method: Method, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        self.sign_in.push((method.clone(), path));
        self.add(method, path, handler)
    }

    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The router, with every request logged by its route template (never
    /// its path: tokens travel in some) and cross-site state changes
    /// refused in the surface's envelope `E`. Built in here so no function
    /// can serve a route without either.
    pub fn into_router<E: crate::Envelope>(self) -> Router<S> {
        let sign_in: crate::same_origin::SignInRoutes = std::sync::Arc::new(self.sign_in);
        self.router
            .layer(axum::middleware::from_fn_with_state(
                sign_in,
                crate::same_origin::guard::<E>,
            ))
            .layer(axum::middleware::from_fn(super::log_request))
    }
}
