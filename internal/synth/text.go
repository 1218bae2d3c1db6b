package synth

import (
	"strings"
)

// Free text. Each report's text is built from templates whose slots are
// filled with the same noisy strings as its structured mentions, so the text
// and the mentions agree the way a real record's do (and disagree with
// other records). Templates are tagged with the writers that use them:
// P police, S children's services, E education, H health, U the public,
// Y young people, * any professional.

// slot is a place in a template.
type slot uint8

const (
	sChild slot = iota
	sThey
	sTheyCap
	sTheir
	sThem
	sAge
	sKid
	sCarer
	sCarerRel
	sSuspect
	sSuspect2
	sSuspectAge
	sVehicle
	sVenue
	sPlace
	sStreet
	sPhone
	sHandle
	sPlatform
	sSchool
	sFrom
	sFound
	sDuration
	sWhen
	sDate
	sPeer
	sReporter
	sFirm
	sLog
	sAssociate
	numSlots
)

var slotNames = [numSlots]string{
	"child", "they", "They", "their", "them", "age", "kid", "carer", "carer_rel", "suspect", "suspect2", "suspect_age",
	"vehicle", "venue", "place", "street", "phone", "handle", "platform", "school", "from", "found", "duration",
	"when", "date", "peer", "reporter", "firm", "log", "associate",
}

// tmpl is a compiled template: literal text and slots, alternating.
type tmpl []seg

type seg struct {
	lit  string
	slot slot
	hole bool
}

func compile(s string) tmpl {
	var t tmpl
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			t = append(t, seg{lit: s})
			break
		}
		if i > 0 {
			t = append(t, seg{lit: s[:i]})
		}
		j := strings.IndexByte(s[i:], '}')
		name := s[i+1 : i+j]
		found := false
		for k, n := range slotNames {
			if n == name {
				t = append(t, seg{slot: slot(k), hole: true})
				found = true
			}
		}
		if !found {
			panic("synth: unknown slot {" + name + "} in template " + s)
		}
		s = s[i+j+1:]
	}
	return t
}

// uses reports whether t has slot s.
func (t tmpl) uses(s slot) bool {
	for _, g := range t {
		if g.hole && g.slot == s {
			return true
		}
	}
	return false
}

// tagged compiles tagged templates into one list per writer.
func tagged(src []string) [numWriters][]tmpl {
	var out [numWriters][]tmpl
	for _, s := range src {
		tag, body, _ := strings.Cut(s, "|")
		t := compile(body)
		for _, c := range tag {
			switch c {
			case 'P':
				out[wPolice] = append(out[wPolice], t)
			case 'S':
				out[wSocial] = append(out[wSocial], t)
			case 'E':
				out[wSchool] = append(out[wSchool], t)
			case 'H':
				out[wHealth] = append(out[wHealth], t)
			case 'U':
				out[wPublic] = append(out[wPublic], t)
			case 'Y':
				out[wYoung] = append(out[wYoung], t)
			case '*':
				for _, w := range []writer{wPolice, wSocial, wSchool, wHealth} {
					out[w] = append(out[w], t)
				}
			}
		}
	}
	return out
}

var bodies = func() (out [numEvKinds][numWriters][]tmpl) {
	for k, src := range bodySource {
		out[k] = tagged(src)
	}
	return out
}()

var bodySource = [numEvKinds][]string{
	evNeglect: {
		"E|{child} ({age}) arrived at school hungry and in the same clothes as last week. {They} said there was no food at home and {their} {carer_rel} was asleep when {they} left.",
		"EH|{child} has untreated head lice and toothache and has missed two dental appointments. {carer_rel} {carer} did not respond to calls.",
		"P|Officers found {child} ({age}) walking alone near {place} {when}. {They} said {their} {carer_rel} {carer} had not come home.",
		"HP|Home visit to {place}: the house was cold and dirty with little food. {child} ({age}) is often left alone in the evenings; {carer_rel} {carer} says she is struggling.",
		"E|{child} is regularly late and unkempt, and says {they} looks after younger siblings while {carer} is out.",
		"U|I live near {place}. The kids at that house, including {child} who is about {age}, are out till all hours and look like they haven't eaten. Their mum {carer} is never around.",
		"U|{child} keeps coming to ours asking for food. {They} told my daughter there is nothing in at home.",
		"Y|my mate {child} never has any food at home and {their} mum is always out. im worried about {them}",
	},
	evDomestic: {
		"P|Police attended {place} {when} following a 999 call reporting shouting. {carer} had a facial injury; her partner {suspect} had left before officers arrived. {child} ({age}) was present and upset.",
		"P|Domestic incident at {place}. {suspect} arrested for assault on {carer}. {child} ({age}) witnessed the incident and hid in {their} bedroom.",
		"P|Third domestic incident this year at {place} involving {carer} and {suspect}. {child} ({age}) lives at the address. DASH risk assessment: medium.",
		"E|Operation Encompass notification: police attended a domestic incident at {child}'s home overnight. {child} ({age}) may be tired and upset in school today.",
		"E|{child} told staff that {suspect}, {their} mum's boyfriend, hit {their} mum again at the weekend and threw a chair.",
		"U|Shouting and banging again from {place} last night. I heard a child crying. The man, I think he's called {suspect}, drives off in the early hours.",
		"Y|{suspect} keeps hurting my mum and im scared to go home. my name is {child}",
	},
	evOnline: {
		"*|{child} ({age}) disclosed that an adult on {platform} using the name {handle} has been sending {them} messages asking for photos and to meet up.",
		"*|{carer_rel} {carer} found messages on {child}'s phone from {handle} on {platform}, an account claiming to be 16 but appearing to be an adult, asking {child} ({age}) to keep their chats secret.",
		"EP|Screenshots show {handle} ({platform}) offering {child} ({age}) money for pictures.",
		"U|I found messages on my {kid} {child}'s phone from someone called {handle} on {platform}. He says he is 17 but talks like a grown man and wants to meet up.",
		"Y|someone called {handle} on {platform} keeps messaging me asking for pics. he says he will send them to everyone if i dont. im {age}",
	},
	evBullying: {
		"E|{child} ({age}) was pushed and kicked by other pupils, including {peer}, on the way home from {school}. Videos of it were shared on {platform}.",
		"E|{child} has been refusing to come to school, saying {peer} and others call {them} names and have threatened {them}.",
		"U|My {kid} {child} is being bullied by {peer} from {school} and the school is doing nothing. {They} won't go in.",
		"Y|{peer} and others keep picking on me at {school}. i dont want to go in anymore",
	},
	evMentalHealth: {
		"H|{child} ({age}) attended the Emergency Department {when} after taking an overdose of paracetamol. Medically fit; referred to CAMHS. {carer_rel} {carer} present.",
		"H|{child} ({age}) presented with superficial cuts to {their} forearms. {They} said {they} had been feeling low for months and could not talk to anyone at home.",
		"E|The school counsellor is concerned: {child} ({age}) has talked about not wanting to be alive and has stopped eating at lunch.",
		"Y|i keep hurting myself and i dont know who to tell. im {age}",
	},
	evMissing: {
		"P|{child} ({age}) reported missing from {from} by {reporter} {when}. Found {found} after {duration}; {they} said {they} had been with friends.",
		"P|Missing person report: {child}, {age}, went missing from {from} last night. Found {found} after {duration} and returned by officers.",
		"P|{child} missing again from {from}; {reporter} reported {them} missing {when}. {They} came back on {their} own after {duration} and would not say where {they} had been.",
	},
	evReturnInterview: {
		"S|Return home interview with {child} ({age}) after {their} missing episode. {They} said {they} had stayed with friends and had not been harmed. Advice given about staying safe.",
		"S|Return interview: {child} ({age}) declined to talk about where {they} had been. {They} was tired and withdrawn.",
		"S|Return home interview completed with {child}. {They} said {they} ran away after an argument at {from}.",
	},
	evAbsence: {
		"E|{child} ({age}) has attendance of {log}% this term, with most absences in afternoons. Letters to {carer} unanswered.",
		"E|Persistent absence: {child} ({age}) has missed many sessions since half term. {carer_rel} {carer} says {they} is ill but no medical evidence has been provided.",
		"E|{child} ({age}) was seen leaving school at lunchtime and did not return for afternoon registration.",
	},
	evPhysical: {
		"E|{child} ({age}) has bruising to {their} upper arm and cheek. {They} said {their} {carer_rel} grabbed {them}, then said {they} fell.",
		"H|{child} ({age}) attended the Emergency Department with a fractured wrist. The explanation given by {carer} does not fit the injury.",
		"P|Officers called to {place}: {child} ({age}) has a cut lip; {carer_rel} {carer} admitted hitting {them}.",
		"U|I saw {carer} hitting {child} hard in the street near {place}. The child is about {age}.",
	},
	evSubstance: {
		"P|{child} ({age}) found by officers {when} heavily intoxicated at {venue}. Taken home to {carer}.",
		"H|{child} ({age}) admitted to the Emergency Department after drinking vodka with friends. {They} would not say where the alcohol came from.",
		"E|{child} ({age}) was found with cannabis at {school}.",
	},
	evLoneCSE: {
		"E|{child} ({age}) has a boyfriend, {suspect}, who is much older and picks {them} up from school in {vehicle}.",
		"PH|{carer_rel} {carer} reports that {child} ({age}) has been staying out overnight with {suspect}, {suspect_age}. She has found messages from {phone} on {child}'s phone.",
		"P|{child} ({age}) found {when} in {vehicle} with {suspect}, {suspect_age}. {They} said he is {their} boyfriend.",
		"U|My {kid} {child} is {age} and is seeing a man called {suspect} who must be in his twenties. He picks {them} up in {vehicle}. His number is {phone}.",
	},
	evGroomSchool: {
		"E|{child} ({age}) was seen getting into {vehicle} outside {school} at the end of the day. Other pupils say {they} has an older boyfriend called {suspect}.",
		"E|{child} ({age}) has been leaving {school} at lunchtime and not returning. Staff saw {them} collected by {vehicle}. {They} has new clothes and a new phone.",
		"E|{child}'s attendance has dropped sharply. {They} talks about an older boyfriend, {suspect}, and has been seen at {venue} after school.",
	},
	evGroomCarer: {
		"SP|{carer_rel} {carer} is worried that {child} ({age}) is being given gifts, money and phone credit by an older man {they} calls {suspect}. {child} has a second phone and gets calls from {phone}.",
		"S|Social worker visit: {child} ({age}) had expensive new trainers and a phone {they} could not explain, and received several calls from {phone} during the visit.",
		"U|My {kid} {child} ({age}) keeps coming home with new clothes, perfume and money and won't say where from. A man called {suspect} keeps ringing {them} from {phone}. I am really worried.",
	},
	evGroomOnline: {
		"*|{child} ({age}) has been talking on {platform} to {handle}, who says he is 19 and has sent {them} money. {They} has arranged to meet him at {venue}.",
		"U|my {kid} is talking to a man on {platform} called {handle}. He's been giving {them} phone credit and says he'll pick {them} up from {venue}. {child} is only {age}.",
		"Y|theres a guy on {platform} called {handle} who keeps saying he loves me and wants to pick me up from {venue}. im {age}. is that ok",
	},
	evCSEMissing: {
		"P|{child} ({age}) reported missing from {from} by {reporter} {when}. Found {found} after {duration} in the company of {suspect}. {They} was under the influence of alcohol.",
		"P|Missing episode: {child} ({age}) went missing from {from}. Located by officers {found} after {duration}. {They} refused to say how {they} got there.",
		"P|{child} ({age}) missing again from {from}. Seen getting into {vehicle} near {venue} {when}. Returned after {duration}, tired and with a new phone.",
	},
	evCSECar: {
		"P|Vehicle stop {when}: {vehicle} stopped near {venue}. Driver {suspect}; passengers {suspect2} and {child} ({age}), who at first gave a false name. {child} taken home.",
		"P|ANPR hit on {vehicle} near {venue} {when}. Officers found {child} ({age}) in the rear with {suspect}. No offences disclosed.",
	},
	evCSETakeaway: {
		"P|{child} ({age}) found at {venue} {when} with older males including {suspect}. Staff said {they} is there most nights and gets free food.",
		"P|{child} ({age}) found in the back room of {venue} {when} with {suspect}. The manager, {associate}, said {they} was a family friend.",
		"U|There are young girls, one called {child}, going into the back of {venue} late at night with the men who work there. One of them is called {suspect}.",
	},
	evCSETaxi: {
		"S|{child} ({age}) left {from} {when} in a {firm} taxi, {vehicle}, which staff had not ordered. The driver is known to {them} as {suspect}.",
		"P|{child} ({age}) seen getting out of {vehicle} ({firm}) outside {venue} {when}. Driver {suspect}.",
		"U|A taxi, {vehicle}, keeps picking up a young girl from {place} late at night. I think she is called {child}.",
	},
	evCSEHotel: {
		"U|I work at {venue}. Two men booked a room and brought in a girl who looked about {age}. One of them paid cash and gave the name {suspect}. They arrived in {vehicle}.",
		"P|Officers called to {venue} {when}: {child} ({age}) found in a room booked by {suspect}, with {suspect2}. Alcohol and cannabis in the room. {child} said they were friends.",
	},
	evCSEHealth: {
		"H|{child} ({age}) attended the sexual health clinic for emergency contraception. {They} described a boyfriend, {suspect}, who {they} said is 24. Referral made.",
		"H|{child} ({age}) brought to the Emergency Department {when} by {suspect}, who left before staff could speak to him. {child} was heavily intoxicated and had bruising.",
		"H|{child} ({age}) is pregnant and says the father is {suspect}; {they} will not say how old he is.",
	},
	evCSEDisclosure: {
		"Y|I want to tell someone whats happening. {suspect} and his friends take me to {venue} and a flat on {street} and make me do things with men. They give me drink and weed. im {age}. please dont tell them it was me",
		"S|Return home interview: {child} ({age}) disclosed that {suspect} and {suspect2} took {them} to {place} where other men were waiting. {They} said {they} was given vodka and could not leave. {They} asked that nobody be told.",
		"P|Achieving Best Evidence interview with {child} ({age}). {They} named {suspect} and {suspect2} and described being driven in {vehicle} to {venue} and {place} on many occasions since {date}.",
	},
	evCSECarer: {
		"P|{carer_rel} {carer} called police: {child} ({age}) has not come home again. {carer} believes {they} is with {suspect}, who drives {vehicle} and calls {them} on {phone}. {carer} went to {venue} to look for {them} and was threatened.",
		"U|My {kid} {child} is {age}. Men keep picking {them} up in {vehicle}, and one called {suspect} rings {them} all the time from {phone}. The police won't do anything. Please help.",
	},
	evIntel: {
		"P|Intelligence: {vehicle} regularly seen at {venue} late at night with young females aboard. Driver believed to be {suspect}, associated with {suspect2}. Phone {phone} attributed to {suspect}.",
		"P|Source reports that {suspect} and {suspect2} are supplying alcohol and cannabis to girls under 16 at {place} and {venue}. Vehicle used: {vehicle}.",
		"P|Intelligence from licensing: {firm} driver {suspect} ({vehicle}) reported for carrying unaccompanied girls to {venue} on several occasions.",
		"P|Phone {phone} is in contact with several missing children; believed used by {suspect}, {suspect_age}, who frequents {venue}.",
		"P|Intelligence: {suspect} and {associate} seen with two girls aged about 14 at {venue} {when}. {associate} drove them away in {vehicle}.",
		"P|Source reports that {associate} lets {suspect} and others use {place} to entertain girls under 16.",
	},
	evSighting: {
		"U|Men in {vehicle} keep parking outside {venue} and young girls get in. One of the men is called {suspect} I think.",
		"U|Every weekend girls who look about {age} are taken into {place} by older men. Cars come and go all night, including {vehicle}.",
	},
}

var openers = tagged([]string{
	"P|Incident log {log}.", "P|Police log:", "S|MASH contact record.", "S|Case note.", "E|Safeguarding log, {school}.",
	"E|DSL record:", "H|Health safeguarding referral.", "H|Safeguarding concern:", "U|Hi,", "U|Hello,",
	"U|I don't know if this is the right place but", "Y|hi,", "Y|i dont know who else to tell.",
})

var closers = tagged([]string{
	"P|Referral made to children's social care.", "P|Public protection notice submitted.", "P|No further police action at this time.",
	"S|Referred for assessment.", "S|Strategy discussion requested.", "S|Information shared with police.", "S|To discuss with manager.",
	"E|Parents informed.", "E|Referred to children's services.", "E|Monitoring in school.", "E|Logged on the safeguarding system.",
	"H|Referral made to children's social care.", "H|GP informed.", "H|Follow-up arranged.",
	"U|I don't want to give my name.", "U|Please do something.", "U|Please don't tell them it was me.",
	"Y|please help", "Y|dont tell my mum",
})

var retractions = []tmpl{
	compile("{child} now says {they} made it up and does not want to talk about it."),
	compile("{child} has withdrawn {their} account and says {suspect} is {their} boyfriend and did nothing wrong."),
	compile("{child} told {their} social worker that nothing happened and asked for the report to be removed."),
}

var publicRetractions = []tmpl{
	compile("The caller rang back to say they had made a mistake and did not want anything done."),
	compile("The person who raised this has asked for it to be withdrawn."),
}
