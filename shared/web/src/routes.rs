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

    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The router, with every request logged by its route template (never
    /// its path: tokens travel in some). Built in here so no function can
    /// serve a route without it.
    pub fn into_router(self) -> Router<S> {
        self.router
            .layer(axum::middleware::from_fn(super::log_request))
    }
}
