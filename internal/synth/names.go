package synth

// Names are drawn from public lists of the most common given names and
// surnames in England and Wales (Office for National Statistics baby-name
// tables, and surname frequency lists). They are common enough that no
// combination points at anyone; places are invented.

var givenNamesGirls = []string{
	"Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia",
	"Grace", "Freya", "Ella", "Evie", "Poppy", "Chloe", "Jessica", "Emily", "Lucy", "Holly",
	"Megan", "Charlotte", "Aisha", "Zara", "Maryam", "Hannah", "Leah", "Courtney", "Jade", "Kayleigh",
}

var givenNamesBoys = []string{
	"Oliver", "George", "Noah", "Arthur", "Leo", "Harry", "Oscar", "Archie", "Jack", "Charlie",
	"Jacob", "Thomas", "Alfie", "Joshua", "James", "William", "Daniel", "Ryan", "Liam", "Callum",
	"Mohammed", "Adam", "Ibrahim", "Kai", "Tyler", "Connor", "Jordan", "Reece", "Luke", "Kieran",
}

var givenNamesAdults = []string{
	"Sarah", "Claire", "Helen", "Rachel", "Emma", "Joanne", "Nicola", "Karen", "Louise", "Amanda",
	"David", "Paul", "Mark", "Andrew", "Richard", "Stephen", "Simon", "Gary", "Imran", "Tariq",
	"Priya", "Anita", "Sunita", "Farah", "Nadia", "Peter", "Martin", "Graham", "Neil", "Ian",
}

var surnames = []string{
	"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
	"Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
	"Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill",
	"Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen",
	"Khan", "Ali", "Hussain", "Ahmed", "Begum", "Shah", "Singh", "Kaur", "Nowak", "Kowalski",
}

// Invented streets and a postcode area that does not exist (ZZ is never
// issued), so that no address is anyone's.
var streets = []string{
	"Mill Lane", "Station Road", "Church Street", "Victoria Road", "Park Avenue", "Queen Street",
	"Canal Side", "Foundry Walk", "Colliery Row", "Chapel Hill", "Market Place", "Bridge End",
	"Weaver Close", "Kiln Court", "Furnace Road", "Quarry Bank",
}
