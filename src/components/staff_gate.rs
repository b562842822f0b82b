//! The door of every staff screen: the sign-in form until a token is
//! accepted, then a bar naming who is signed in, with sign-out, above the page.

use leptos::prelude::*;

use baraza_core::admin::AdminConsultationList;
use baraza_core::staff::Role;

use crate::api::{self, AppError};
use crate::load::Load;
use crate::staff_session::{kept_token, use_staff_session, SignedIn};
use crate::text::Locale;

/// Shows `page` for the signed-in staff member, or the sign-in form.
pub fn staff_gate(page: impl Fn(SignedIn) -> AnyView + Send + Sync + 'static) -> impl IntoView {
    let session = use_staff_session();
    // A token kept from earlier in this browser session is checked again:
    // it may have been revoked since.
    let restoring = RwSignal::new(false);
    if session.token().is_none() {
        if let Some(token) = kept_token() {
            restoring.set(true);
            leptos::task::spawn_local(async move {
                match api::staff_member(&token).await {
                    Ok(member) => session.sign_in(SignedIn { token, member }),
                    Err(AppError::Unauthorized) => session.sign_out(),
                    Err(_) => {}
                }
                restoring.set(false);
            });
        }
    }
    move || match session.get() {
        Some(signed_in) => view! {
            {staff_bar(&signed_in)}
            {page(signed_in)}
        }
        .into_any(),
        None if restoring.get() => view! { <p role="status">{tr!(staff.signing_in)}</p> }.into_any(),
        None => sign_in_form().into_any(),
    }
}

fn staff_bar(signed_in: &SignedIn) -> impl IntoView {
    let session = use_staff_session();
    let name = signed_in.member.name.clone();
    let role = signed_in.member.role;
    let who = tr_with!(staff.signed_in_as, move |locale| vec![
        ("name", name.clone()),
        ("role", role_name(locale, role).to_owned())
    ]);
    view! {
        <div class="staff-bar">
            <p>{who}</p>
            <button type="button" class="secondary" on:click=move |_| session.sign_out()>
                {tr!(staff.sign_out)}
            </button>
        </div>
    }
}

/// Every consultation as staff see it, loaded with the session's token; a
/// token revoked meanwhile signs the person out.
pub fn admin_consultations(signed_in: &SignedIn) -> Load<AdminConsultationList> {
    let session = use_staff_session();
    let token = signed_in.token.clone();
    let list = Load::new(move || {
        let token = token.clone();
        async move { api::admin_consultations(&token).await }
    });
    Effect::new(move || {
        if let Some(Err(AppError::Unauthorized)) = list.get() {
            session.sign_out();
        }
    });
    list
}

pub fn role_name(locale: Locale, role: Role) -> &'static str {
    match role {
        Role::Publisher => text!(locale, staff.role_publisher),
        Role::Analyst => text!(locale, staff.role_analyst),
        Role::Clerk => text!(locale, staff.role_clerk),
    }
}

fn sign_in_form() -> impl IntoView {
    let session = use_staff_session();
    let token = RwSignal::new(String::new());
    let checking = RwSignal::new(false);
    let problem = RwSignal::new(None::<AppError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let token = token.get_untracked().trim().to_owned();
        if token.is_empty() || checking.get_untracked() {
            problem.set(Some(AppError::Unauthorized));
            return;
        }
        checking.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            match api::staff_member(&token).await {
                Ok(member) => session.sign_in(SignedIn { token, member }),
                Err(error) => problem.set(Some(error)),
            }
            checking.set(false);
        });
    };
    let message = move || {
        problem.get().map(|error| {
            let text = match error {
                AppError::Unauthorized => tr!(staff.token_refused).into_any(),
                AppError::Network => tr!(error.network).into_any(),
                _ => tr!(error.server).into_any(),
            };
            view! { <p class="notice notice-error" role="alert" id="token-problem">{text}</p> }
        })
    };
    view! {
        <form class="staff-sign-in" on:submit=submit>
            <h1>{tr!(staff.sign_in_title)}</h1>
            <p>{tr!(staff.sign_in_intro)}</p>
            <div class="field">
                <label for="staff-token">{tr!(staff.token_label)}</label>
                <input
                    id="staff-token"
                    name="token"
                    type="password"
                    autocomplete="off"
                    spellcheck="false"
                    required
                    prop:value=move || token.get()
                    on:input=move |ev| token.set(event_target_value(&ev))
                />
            </div>
            {message}
            <button type="submit" disabled=move || checking.get()>
                {move || if checking.get() { tr!(staff.signing_in).into_any() } else { tr!(staff.sign_in).into_any() }}
            </button>
        </form>
    }
}
