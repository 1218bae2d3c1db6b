package vigil

import (
	"errors"
	"fmt"
)

// Error codes. Every error a service returns to a caller carries one of these,
// so that the web and API layers can choose a status without parsing text.
const (
	ECONFLICT       = "conflict"               // the request clashes with the current state
	EFORBIDDEN      = "forbidden"              // the actor may not do this
	EINTERNAL       = "internal"               // a fault of ours; details go to the log only
	EINVALID        = "invalid"                // the input is wrong; Message says how to fix it
	ENOTFOUND       = "not_found"              // no such object, or the actor may not know it exists
	EUNAUTHORIZED   = "unauthorized"           // no valid credentials
	ETOOLARGE       = "too_large"              // the request body is over the limit
	EUNAVAILABLE    = "unavailable"            // the store cannot accept writes now; nothing was recorded
	ETOOMANYREQUEST = "too_many_requests"      // throttled; try again later
	EMEDIATYPE      = "unsupported_media_type" // the body is not in a format the route takes
	EMETHOD         = "method_not_allowed"     // the route exists but not for this method
)

// Error is the one error type of Vigil's domain. Message is written for the
// person using the system: it says what is wrong and how to put it right, and
// never carries internal detail. Fields names the input fields at fault, so a
// form can show each message beside its field.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

// FieldError is one input field's problem, in plain words.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("vigil error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with code and a formatted, user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err. Errors that are not
// *Error are internal faults, and their text is never shown to users.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side and nothing was saved. Please try again; if it keeps happening, tell your administrator."
}

// ErrorFields returns the field errors of err, if it is an *Error.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Validation collects field errors while checking input, so that a person
// sees every problem with a form at once rather than one per submission.
type Validation struct {
	fields []FieldError
}

// Add records a problem with field.
func (v *Validation) Add(field, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns an EINVALID *Error listing every problem, or nil when there was none.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	msg := v.fields[0].Message
	if len(v.fields) > 1 {
		msg = fmt.Sprintf("There are %d problems with what you entered. %s", len(v.fields), msg)
	}
	return &Error{Code: EINVALID, Message: msg, Fields: v.fields}
}

// ErrorStatus is the one table from error codes to HTTP status codes, used
// by both the browser pages and the JSON API.
func ErrorStatus(code string) int {
	switch code {
	case ECONFLICT:
		return 409
	case EFORBIDDEN:
		return 403
	case EINVALID:
		return 422
	case ENOTFOUND:
		return 404
	case EUNAUTHORIZED:
		return 401
	case ETOOLARGE:
		return 413
	case EUNAVAILABLE:
		return 503
	case ETOOMANYREQUEST:
		return 429
	case EMEDIATYPE:
		return 415
	case EMETHOD:
		return 405
	}
	return 500
}
