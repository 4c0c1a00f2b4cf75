//! Whether a sign-in needs its second factor, from the account's state and
//! the operator's configuration, decided here for every surface: an
//! account with 2FA on, or holding a role the operator requires MFA for
//! (`MFA_REQUIRED_ROLES`), answers one unless what proved the sign-in was
//! both factors already. An account of such a role without TOTP gets an
//! emailed code (or answers with a passkey).

use super::complete::FirstFactor;
use crate::Config;
use domain::User;

/// Whether the operator requires MFA of `user`'s role.
pub fn role_requires_mfa(config: &Config, user: &User) -> bool {
    let role = user.role.as_str();
    config.mfa_required_roles.iter().any(|r| r == role)
}

/// Whether a sign-in of `user` proven by `first` must answer a challenge.
pub(super) fn second_factor_due(config: &Config, user: &User, first: FirstFactor) -> bool {
    !first.is_both_factors() && (user.two_factor_enabled || role_requires_mfa(config, user))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Role;

    #[test]
    fn a_required_role_is_due_whatever_its_2fa_setting() {
        let mut config = Config::from_env();
        config.mfa_required_roles = vec!["moderator".into()];
        let mut user = User::new(1, "ann".into(), "ann@example.com".into(), "h".into());
        let pwd = FirstFactor::Password;
        assert!(!second_factor_due(&config, &user, pwd));
        user.role = Role::Moderator;
        assert!(second_factor_due(&config, &user, pwd));
        let verifying = FirstFactor::Passkey { verified: true };
        assert!(!second_factor_due(&config, &user, verifying));
        user.role = Role::Student;
        user.two_factor_enabled = true;
        assert!(second_factor_due(&config, &user, FirstFactor::Network));
    }
}
